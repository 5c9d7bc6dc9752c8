(function(){
var tz=document.getElementById("tz");
if(tz){
  var f=tz.form,b=f.querySelector(".js-hide");if(b)b.hidden=true;
  f.addEventListener("change",function(){f.submit()});
  var z="";try{z=Intl.DateTimeFormat().resolvedOptions().timeZone}catch(e){}
  if(z&&z!==tz.value&&!/[?&]tz=/.test(location.search)){
    var o=[].some.call(tz.options,function(x){return x.value===z});
    if(!o){var n=document.createElement("option");n.textContent=z;tz.appendChild(n)}
    tz.value=z;f.submit()}
}
var e=document.getElementById("errors");if(e)e.focus();
})();
